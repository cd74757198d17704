"""SQL functions that SQLite and PostgreSQL spell differently, for use in Tortoise `annotate`."""

from pypika_tortoise import SqlContext
from pypika_tortoise.terms import Function as SqlFunction
from tortoise.expressions import Function


class _ChinaDate(SqlFunction):
    def __init__(self, term, alias: str | None = None) -> None:
        super().__init__("DATE", term, alias=alias)

    def get_function_sql(self, ctx: SqlContext) -> str:
        column = self.args[0].get_sql(ctx.copy(with_alias=False))
        if ctx.dialect.value == "postgresql":
            return f"CAST(({column} AT TIME ZONE 'Asia/Shanghai') AS DATE)"
        # SQLite stores the time as ISO 8601 text with its offset, which DATE() reads as UTC.
        # China has used UTC+8 without daylight saving time since 1992.
        return f"DATE({column}, '+8 hours')"


class ChinaDate(Function):
    """The calendar date of a timestamp in China Standard Time, as a date (PostgreSQL) or 'YYYY-MM-DD' (SQLite)."""

    database_func = _ChinaDate
