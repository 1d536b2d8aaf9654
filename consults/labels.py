"""Labels (translated) of the consults domain's codes: consults (the process events of a call and
why a connection ended). The domain's setup.py registers them with the core's table
(tcm_app/labels.py)."""

from flask_babel import lazy_gettext as _l

LABELS = {
    # text consults (图文问诊): why a thread closed
    "thread_closed_doctor": _l("Closed by the doctor"),
    "thread_closed_quiet": _l("Closed after a quiet period"),
    "thread_closed_unanswered": _l("Not answered in time: the visit fee is refunded"),
    # consult process events
    "consult_waiting": _l("Entered the waiting room"),
    "consult_joined": _l("Joined"),
    "consult_left": _l("Left"),
    "consult_call_started": _l("Doctor started the call"),
    "consult_connected": _l("Connected"),
    "consult_quality_drop": _l("Connection quality dropped"),
    "consult_reconnecting": _l("Connection lost"),
    "consult_reconnected": _l("Reconnected"),
    "consult_media_stalled": _l("Network interrupted (no picture or sound)"),
    "consult_media_resumed": _l("Picture and sound back"),
    "consult_signaling_lost": _l("Message channel lost"),
    "consult_signaling_resumed": _l("Message channel back"),
    "consult_ice_restart": _l("Media connection restarted"),
    "consult_peer_rebuilt": _l("Call connection rebuilt"),
    "consult_rejoined": _l("Rejoined the call"),
    "consult_call_failed": _l("Call cut off"),
    # Why a socket ended or a connection was rebuilt (consult record, technical details).
    "consult_cause_idle": _l("nothing heard for too long"),
    "consult_cause_heartbeat": _l("no answer to heartbeats"),
    "consult_cause_closed": _l("connection closed"),
    "consult_cause_refused": _l("entry refused"),
    "consult_cause_connect_timeout": _l("connecting took too long"),
    "consult_cause_rejoin": _l("rejoined by hand"),
    "consult_cause_online": _l("network came back"),
    "consult_cause_replaced": _l("opened in another page"),
    "consult_cause_bye": _l("left the page"),
    "consult_cause_error": _l("server error"),
    "consult_cause_hangup": _l("hung up"),
    "consult_cause_new_page": _l("the other side opened a new page"),
    "consult_cause_failed": _l("connection failed"),
    "consult_cause_ice_failed": _l("connection failed"),
    "consult_cause_asked": _l("asked by the other side"),
    "consult_cause_new_connection": _l("the other side started a new connection"),
    "consult_media_error": _l("Camera or microphone unavailable"),
    "consult_ended": _l("Call ended"),
    "consult_recording_consent": _l("Patient answered the recording question"),
    "consult_recording_started": _l("Recording started"),
    "consult_call_back": _l("The doctor called the patient back"),
    # a phone call instead of the video consult (电话问诊)
    "consult_phone_requested": _l("Patient asked for a phone call instead of video"),
    "consult_phone_started": _l("Phone call started"),
    "consult_phone_ended": _l("Phone call ended"),
    "consult_phone_not_reached": _l("Phone call: patient not reached"),
    "phone_state_waiting": _l("Waiting for the doctor's call"),
    "phone_state_in_call": _l("Phone call under way"),
    "phone_state_held": _l("Held by phone"),
    # the badge on a row of a list of visits (the workbench, the desk, the patient's visits)
    "phone_shown_waiting": _l("Phone consult: call pending"),
    "phone_shown_not_reached": _l("Phone consult: not reached"),
    "phone_shown_in_call": _l("Phone consult: in call"),
    "phone_shown_held": _l("Phone consult: held"),
}

ERROR_MESSAGES = {
    "empty_message": _l("Write a message or add a photo."),
    "voice_too_large": _l(
        "The recording is too long: at most %(max_mb)s MB (about three minutes)."
    ),
    "unsupported_audio": _l(
        "This is not a recording we can play: send WebM, Ogg, M4A, MP3 or WAV."
    ),
    "message_too_long": _l("A message has at most %(max)s characters."),
    "not_text_consultable": _l("Only an online visit that is open can be held by messages."),
    "fee_unpaid": _l("Pay the visit fee first; the doctor's time to answer starts then."),
    "no_thread": _l("No text consult is open for this visit."),
    "thread_closed": _l("This text consult is closed."),
    # consults: booking a time for a visit already requested
    "already_booked": _l("This visit already has a booked time."),
    "wrong_visit": _l("This visit is with another doctor."),
    # consults: calling the patient back into a broken call
    "not_treating_doctor": _l("Only the treating doctor calls the patient back."),
    "call_not_in_progress": _l("The call is not in progress. Start the video consult again."),
    "patient_in_call": _l("The patient is in the call already."),
    # consults: a phone call instead of the video consult
    "phone_not_online": _l("Only an online visit can be held by phone."),
    "phone_consult_over": _l("This consult has ended: a phone call is no longer possible."),
    "phone_not_booked": _l("Book a time for the video consult first; the doctor calls then."),
    "phone_already_requested": _l("You have already asked for a phone call for this visit."),
    "phone_unknown_outcome": _l("Record the call as started, ended or not reached."),
    "phone_not_requested": _l("The patient has not asked for a phone call."),
    "phone_already_held": _l("This phone consult is already recorded as held."),
    "phone_not_started": _l("Record the start of the call first."),
    "phone_in_call": _l("The call is under way: record its end."),
    "call_back_too_soon": _l(
        "You called this patient back less than a minute ago. Wait a moment before calling again."
    ),
}

# Names of the audit log's actions and objects of this domain (tcm_app/views/audit_labels.py).
AUDIT_ACTIONS = {
    "consult.text_open": _l("Text consult opened"),
    "consult.text_close": _l("Text consult closed"),
    "consult.book": _l("Video consult booked"),
    "consult.cancel": _l("Video consult cancelled"),
    "consult.session_add": _l("Consult hours added"),
    "consult.session_remove": _l("Consult hours removed"),
    "consult.exception_add": _l("Consult day changed"),
    "consult.wait": _l("Entered the waiting room"),
    "consult.start": _l("Video consult started"),
    "consult.call_back": _l("Patient called back to the video consult"),
    "consult.join": _l("Joined the video consult"),
    "consult.token": _l("Consult room entry refused"),
    "consult.chat": _l("Consult chat message"),
    "consult.recording_consent": _l("Recording consent answered"),
    "consult.phone_request": _l("Phone call asked for instead of video"),
    "consult.phone_record": _l("Phone consult call recorded"),
}

AUDIT_OBJECTS = {}
