"""Queue a task by its registered name: a service never imports its own task module (the task
module imports the service), so no import cycle hides behind a function-local import. The task
modules are imported once, when the app is created, which registers every task by name."""

from flask import current_app


def enqueue(task_name: str, *args):
    """Send the task to the workers; in the embedded mode (always eager) it runs here, now."""
    return current_app.extensions["celery"].tasks[task_name].delay(*args)
