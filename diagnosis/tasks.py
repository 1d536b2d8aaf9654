"""Background analysis of tongue photos (eager in the embedded mode, a worker in production)."""

from celery import shared_task
from sqlalchemy.exc import OperationalError

from diagnosis.models import TongueImage
from diagnosis.services import tongue
from tcm_app.extensions import db


@shared_task(
    name="diagnosis.analyze_tongue_image",
    # A lost database (restarting) or file system is worth trying again a moment later.
    autoretry_for=(OSError, OperationalError),
    retry_backoff=True,
    max_retries=3,
)
def analyze_tongue_image(image_id: int) -> str | None:
    """Quality gates, outline and features for one stored photo (idempotent)."""
    image = db.session.get(TongueImage, image_id)
    if image is None:
        return None
    tongue.analyze_stored(image)
    db.session.commit()
    return image.status


@shared_task(name="diagnosis.requeue_waiting_analyses", ignore_result=False)
def requeue_waiting_analyses() -> int:
    """Queue again the analysis of photos received a while ago and still waiting (idempotent)."""
    count = tongue.requeue_waiting_analyses()
    db.session.commit()  # sends them
    return count
