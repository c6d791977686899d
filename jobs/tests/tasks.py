"""Tasks for the jobs tests. django.tasks runs only module-level functions (found again by their
import path), so the tests' tasks live here rather than inside the tests."""

from django.tasks import TaskContext, task

from jobs.services import job_input, job_run


@task(takes_context=True)
def read_input(context: TaskContext, job_id: str, note: str = "") -> None:
    """Succeeds with what it was given: the job's file, its own keyword argument and the task
    framework's id for this run."""

    def work(job, progress):
        filename, content = job_input(job)
        progress(len(content), len(content), stage="Reading")
        return {
            "filename": filename,
            "content": content.decode(),
            "note": note,
            "task_id": str(context.task_result.id),
        }

    job_run(job_id, work)
