"""Background analysis of tongue photos (eager in the embedded mode, a worker in production)."""

from celery import shared_task

from diagnosis.models import TongueImage
from diagnosis.services import tongue
from tcm_app.extensions import db


@shared_task(
    name="diagnosis.analyze_tongue_image",
    autoretry_for=(OSError,),
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
