"""Serve the app in this process until killed: `python -m tests.webrtc.serve_app PORT` with the
app's config as JSON in the environment variable TCM_SERVE_CONFIG. Started (and SIGKILLed, and
started again) by tests/webrtc/server_process.py, to restart the signaling server mid-call."""

import json
import os
import sys

from werkzeug.serving import make_server

from tcm_app.app import create_app
from tests.conftest import QuietHandler


def main() -> None:
    port = int(sys.argv[1])
    app = create_app(json.loads(os.environ["TCM_SERVE_CONFIG"]))
    # Same server as serve_in_thread in tests/conftest.py: threaded, for the WebSockets.
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietHandler)
    print(f"serving on 127.0.0.1:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
