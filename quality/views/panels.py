"""What the quality panel on the encounter page shows (a template global, so the template
decides nothing itself): for the patient of a completed visit, its rating or the way to give it."""

from dataclasses import dataclass

from flask_login import current_user

from quality.models import Rating
from quality.services import ratings
from tcm_app.common.online_care import EncounterStatus
from tcm_app.models.accounts import Role


@dataclass(frozen=True)
class RatingPanel:
    rating: Rating | None


def encounter_rating(encounter) -> RatingPanel | None:
    """The card for the patient (or guardian) of a completed visit; None for anyone else."""
    if current_user.role != Role.PATIENT or encounter.status != EncounterStatus.COMPLETED:
        return None
    return RatingPanel(ratings.rating_for("encounter", encounter.id))
