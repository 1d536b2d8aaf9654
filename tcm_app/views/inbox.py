"""The inbox page (消息) for every signed-in user, and the template helpers that show the unread
count in the navigation and the latest messages on staff home pages."""

from flask import g, redirect, render_template, url_for
from flask_login import current_user

from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tcm_app.services import inbox
from tcm_app.views.blueprint import core_bp
from tcm_app.views.guards import roles_required

# How many messages a staff home page shows in its panel.
PANEL_SIZE = 5


@core_bp.app_template_global()
def inbox_unread_count() -> int:
    """The signed-in user's unread messages (0 when nobody is signed in)."""
    if not current_user.is_authenticated:
        return 0
    # Once per request: the navigation and a home page's inbox panel both show it.
    if "inbox_unread_count" not in g:
        g.inbox_unread_count = inbox.unread_count(current_user)
    return g.inbox_unread_count


@core_bp.app_template_global()
def inbox_latest(limit: int = PANEL_SIZE) -> list:
    """The signed-in user's newest messages, for the panel on staff home pages."""
    if not current_user.is_authenticated:
        return []
    return inbox.messages_for(current_user, limit)


@core_bp.route("/inbox")
@roles_required(*Role)
def inbox_list():
    """The user's own messages, newest first; unread ones marked."""
    return render_template("core/inbox.html", messages=inbox.messages_for(current_user))


@core_bp.route("/inbox/<int:inbox_message_id>/open", methods=["POST"])
@roles_required(*Role)
def inbox_open(inbox_message_id: int):
    """Mark one's own message read and follow its link (another user's message: 404)."""
    message = inbox.open_message(current_user, inbox_message_id)
    db.session.commit()
    return redirect(message.link or url_for("core.inbox_list"))
