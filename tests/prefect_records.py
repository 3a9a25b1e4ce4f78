"""What Prefect's server keeps of a flow run: its parameters and its log lines (where no secret may appear)."""

from __future__ import annotations


def recorded(state) -> tuple[dict, list[str]]:
    """The run's parameters and log messages, as stored by the server, for the run that ended in `state`."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()  # logs reach the API in batches
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(state.state_details.flow_run_id)
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[run.id])))
    return run.parameters, [log.message for log in logs]


def task_runs(state) -> list[str]:
    """The names of the task runs of the flow run that ended in `state`, sorted (a run's name is its task's, numbered)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id])))
    return sorted(run.name.rsplit("-", 1)[0] for run in runs)
