"""Pages for people in a browser: the web interface at ``/``, and readable views of what
the services send programs (errors, DataLink links, VOSI and UWS documents). No web
framework here: the handlers decide when a page is wanted (``app/negotiation.py``)."""
