"""Checking a read submission: cells parsed into typed frames, plan facts added for the expectation suites,
the Python rules run per sheet (`prepare`), then the suites (`suites`)."""
