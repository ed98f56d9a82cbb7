"""`python -m desktop` runs the headless CLI."""

from desktop.cli import run

run()
