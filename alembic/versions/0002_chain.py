"""The hash chain over each cycle's versions and events (tamper evidence).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07

Adds the `chain` table of tertial/ledger.py and chains the rows already in the ledger, oldest
first: from this migration on, a row edited afterwards no longer matches its entry.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tertial.ledger import chain_existing


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('chain',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.String(length=100), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('entry', sa.String(length=20), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cycle_id', 'seq', name='one_entry_per_place')
    )
    op.create_index(op.f('ix_chain_cycle_id'), 'chain', ['cycle_id'], unique=False)
    with Session(bind=op.get_bind()) as session:  # joins the migration's transaction
        chain_existing(session)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index(op.f('ix_chain_cycle_id'), table_name='chain')
    op.drop_table('chain')
