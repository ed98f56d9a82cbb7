"""The Qt widgets of 培育库: a thin shell over `desktop/`. Only this package imports Qt."""
