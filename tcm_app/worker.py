"""Celery worker entry point: celery -A tcm_app.worker worker (production uses TCM_CELERY_BROKER_URL)."""

from tcm_app.app import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
