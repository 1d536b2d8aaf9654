"""Labels (translated) of the diagnosis domain's codes: tongue photos (舌象: statuses, the doctor's
vocabulary, what to change). The domain's setup.py registers them with the core's table
(tcm_app/labels.py)."""

from flask_babel import lazy_gettext as _l

LABELS = {
    # tongue photos (舌象): statuses, the doctor's vocabulary, and what the patient should change
    "tongue_received": _l("Received, checking the photo…"),
    "tongue_quality_failed": _l("Please take a new photo"),
    "tongue_analysed": _l("Photo accepted, waiting for the doctor"),
    "tongue_confirmed": _l("Reviewed by the doctor"),
    "tongue_pale": _l("Pale (淡白)"),
    "tongue_light_red": _l("Light red (淡红)"),
    "tongue_red": _l("Red (红)"),
    "tongue_crimson": _l("Crimson (绛)"),
    "tongue_purple": _l("Blue-purple (青紫)"),
    "tongue_white": _l("White (白)"),
    "tongue_yellow": _l("Yellow (黄)"),
    "tongue_grey_black": _l("Grey-black (灰黑)"),
    "tongue_none": _l("No coating (无苔)"),
    "tongue_thin": _l("Thin (薄)"),
    "tongue_thick": _l("Thick (厚)"),
    "tongue_camera": _l("Camera"),
    "tongue_gallery": _l("Gallery"),
    "tongue_consult": _l("Video consult"),
    "tongue_api": _l("Mobile app"),
    "hint_tongue_found": _l("No tongue found: open your mouth and put your tongue out, tip down."),
    "hint_colour": _l("The photo has no colour: switch off black-and-white or filters."),
    "hint_exposure": _l("The light is too dark or too bright: face a window or a white lamp."),
    "hint_clipped": _l("Parts of the photo are pure white or black: change the light."),
    "hint_colour_cast": _l("The light is strongly coloured: use daylight or a white lamp."),
    "hint_tongue_size": _l("Too far: bring the phone closer until your tongue fills the outline."),
    "hint_cut_off": _l("Your tongue is cut off: keep all of it inside the outline."),
    "hint_sharpness": _l("Blurred: hold the phone still and tap the screen to focus."),
    "hint_glare": _l("Glare on the tongue: switch off the flash or turn away from the lamp."),
    "quality_tongue_found": _l("Tongue found"),
    "quality_colour": _l("Colour photo"),
    "quality_exposure": _l("Exposure"),
    "quality_clipped": _l("Clipped pixels"),
    "quality_colour_cast": _l("Colour cast"),
    "quality_tongue_size": _l("Tongue size"),
    "quality_cut_off": _l("Cut off at the edge"),
    "quality_sharpness": _l("Sharpness"),
    "quality_glare": _l("Glare"),
    "feature_tongue_colour": _l("Tongue colour (舌色)"),
    "feature_coating_colour": _l("Coating colour (苔色)"),
    "feature_coating_thickness": _l("Coating thickness (苔质)"),
    "feature_cracks": _l("Cracks (裂纹)"),
    "feature_tooth_marks": _l("Tooth marks (齿痕)"),
    "feature_body_L": _l("Body lightness L*"),
    "feature_body_a": _l("Body redness a*"),
    "feature_body_b": _l("Body yellowness b*"),
    "feature_coating_L": _l("Coating lightness L*"),
    "feature_coating_a": _l("Coating redness a*"),
    "feature_coating_b": _l("Coating yellowness b*"),
}

ERROR_MESSAGES = {
    # tongue photos
    "unsupported_photo_type": _l("Only JPEG or PNG photos are accepted."),
    "truncated_image": _l("The photo file is incomplete. Send it again."),
    "image_too_small": _l("The photo is too small (at least 64 pixels a side)."),
    "photo_required": _l("Choose a photo."),
    "already_confirmed": _l("This photo was already confirmed."),
    "not_analysed": _l("The analysis is not finished yet."),
    "bad_outline": _l("The outline is not valid. Draw it again."),
    "outline_required": _l("Draw the tongue's outline."),
    "photo_corrupt": _l("The stored photo is damaged."),
}

# Names of the audit log's actions and objects of this domain (tcm_app/views/audit_labels.py).
AUDIT_ACTIONS = {
    "tongue.upload": _l("Tongue photo uploaded"),
    "tongue.view": _l("Tongue photo opened"),
    "tongue.confirm": _l("Tongue observation confirmed"),
}

AUDIT_OBJECTS = {
    "tongue_image": _l("Tongue photo"),
}
