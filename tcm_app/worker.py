"""Celery entry: `celery -A tcm_app.worker worker` and `celery -A tcm_app.worker beat` (production:
TCM_CELERY_BROKER_URL). The beat schedule is in the CELERY settings: the core's entries in
config.py, each domain's BEAT in its settings.py. A worker writes its heartbeat to the broker's
Redis for the readiness check (tcm_app/services/worker_heartbeat.py)."""

from tcm_app.app import create_app
from tcm_app.services.worker_heartbeat import install_worker_heartbeat

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
install_worker_heartbeat(flask_app.config["CELERY"]["broker_url"])
