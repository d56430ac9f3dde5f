"""Services: one class per protocol concern, constructed by :mod:`app.factory`."""
