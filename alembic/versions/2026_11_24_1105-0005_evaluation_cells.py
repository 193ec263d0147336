"""Evaluation cells: referrals pre-aggregated per cohort month and group, and the days-to-intake
histogram per cell and over all time, so an evaluation report costs O(cells), not O(referrals). Filled from
evaluation_referrals here; the evaluation projection keeps them from then on.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 11:05:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROUP = ("door", "race", "ethnicity", "gender", "month")
MICROS_PER_DAY = 86_400_000_000


def group_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("door", sa.String(32), nullable=False),
        sa.Column("race", sa.String(64), nullable=False),
        sa.Column("ethnicity", sa.String(64), nullable=False),
        sa.Column("gender", sa.String(64), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
    ]


def period_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("quarter", sa.String(7), nullable=False),
        sa.Column("year", sa.String(4), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "evaluation_cells",
        *group_columns(),
        *period_columns(),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in (
                "referred",
                "declined",
                "enrolled",
                "intake_expired",
                "discharged",
                "readmitted",
                "intakes",
            )
        ),
        sa.Column("days_micros", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(*GROUP, name="pk_evaluation_cells"),
    )
    op.create_table(
        "evaluation_intake_histogram",
        *group_columns(),
        sa.Column("intake_tenths", sa.Integer(), nullable=False),
        *period_columns(),
        sa.Column("intakes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*GROUP, "intake_tenths", name="pk_evaluation_intake_histogram"),
    )
    op.create_index(
        "ix_evaluation_intake_histogram_month", "evaluation_intake_histogram", ["month"]
    )
    op.create_table(
        "evaluation_intake_overall",
        *group_columns()[:-1],
        sa.Column("intake_tenths", sa.Integer(), nullable=False),
        sa.Column("intakes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*GROUP[:-1], "intake_tenths", name="pk_evaluation_intake_overall"),
    )
    fill()


def fill() -> None:
    """The cells of the referrals already projected (rows round days to intake to whole
    microseconds one by one, as the projection does)."""
    group = ", ".join(GROUP)
    flag = "CASE WHEN {} THEN 1 ELSE 0 END".format
    micros = f"CAST(ROUND(days_to_intake * {MICROS_PER_DAY}) AS BIGINT)"
    op.execute(
        f"INSERT INTO evaluation_cells SELECT {group}, MIN(quarter), MIN(year), COUNT(*), "  # noqa: S608
        f"SUM({flag('declined')}), COUNT(enrolled_at), SUM({flag('intake_expired')}), "
        f"COUNT(discharged_at), COUNT(readmitted_at), COUNT(intake_tenths), "
        f"COALESCE(SUM({micros}), 0) FROM evaluation_referrals GROUP BY {group}"
    )
    op.execute(
        f"INSERT INTO evaluation_intake_histogram SELECT {group}, intake_tenths, "  # noqa: S608
        f"MIN(quarter), MIN(year), COUNT(*) FROM evaluation_referrals "
        f"WHERE intake_tenths IS NOT NULL GROUP BY {group}, intake_tenths"
    )
    overall = ", ".join(GROUP[:-1])
    op.execute(
        f"INSERT INTO evaluation_intake_overall SELECT {overall}, intake_tenths, "  # noqa: S608
        f"SUM(intakes) FROM evaluation_intake_histogram GROUP BY {overall}, intake_tenths"
    )


def downgrade() -> None:
    op.drop_table("evaluation_intake_overall")
    op.drop_index("ix_evaluation_intake_histogram_month", "evaluation_intake_histogram")
    op.drop_table("evaluation_intake_histogram")
    op.drop_table("evaluation_cells")
