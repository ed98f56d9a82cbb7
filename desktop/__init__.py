"""The work of 培育库 without widgets: domain rules, services (one function per clerk action), CLI.

Never imports Qt; the GUI in `ui/` and the CLI both call these functions.
"""
