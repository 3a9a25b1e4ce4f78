"""The ledger as of its first release: versions, findings and events.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Matches `Base.metadata` in tertial/ledger.py (tests/test_postgres.py checks that the two agree).
A later change to the ledger's tables gets its own revision: `alembic revision --autogenerate -m …`.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0001'
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.String(length=100), nullable=False),
    sa.Column('contributor_id', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cycle_id', 'key', name='one_event_per_key')
    )
    op.create_index(op.f('ix_events_contributor_id'), 'events', ['contributor_id'], unique=False)
    op.create_index(op.f('ix_events_cycle_id'), 'events', ['cycle_id'], unique=False)
    op.create_table('versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.String(length=100), nullable=False),
    sa.Column('contributor_id', sa.String(length=100), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=500), nullable=False),
    sa.Column('archive_path', sa.String(length=1000), nullable=False),
    sa.Column('source', sa.String(length=1000), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('errors', sa.Integer(), nullable=False),
    sa.Column('warnings', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cycle_id', 'contributor_id', 'number', name='version_numbers_unique'),
    sa.UniqueConstraint('cycle_id', 'sha256', name='one_version_per_content')
    )
    op.create_index(op.f('ix_versions_contributor_id'), 'versions', ['contributor_id'], unique=False)
    op.create_index(op.f('ix_versions_cycle_id'), 'versions', ['cycle_id'], unique=False)
    op.create_table('findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.String(length=100), nullable=False),
    sa.Column('severity', sa.String(length=20), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('sheet', sa.String(length=100), nullable=True),
    sa.Column('row', sa.Integer(), nullable=True),
    sa.Column('column', sa.String(length=200), nullable=True),
    sa.Column('item_id', sa.String(length=100), nullable=True),
    sa.Column('value', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_findings_version_id'), 'findings', ['version_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_findings_version_id'), table_name='findings')
    op.drop_table('findings')
    op.drop_index(op.f('ix_versions_cycle_id'), table_name='versions')
    op.drop_index(op.f('ix_versions_contributor_id'), table_name='versions')
    op.drop_table('versions')
    op.drop_index(op.f('ix_events_cycle_id'), table_name='events')
    op.drop_index(op.f('ix_events_contributor_id'), table_name='events')
    op.drop_table('events')
