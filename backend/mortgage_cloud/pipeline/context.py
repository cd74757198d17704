"""Context shared by the pipeline runner and the transitions it makes."""

from contextvars import ContextVar

# True inside `runner.advance`, which runs the following step itself, so a transition made there
# need not queue another pipeline job.
running_steps: ContextVar[bool] = ContextVar("running_steps", default=False)
