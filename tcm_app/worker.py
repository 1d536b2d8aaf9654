"""Celery worker entry: celery -A tcm_app.worker worker (production: TCM_CELERY_BROKER_URL)."""

from tcm_app.app import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
