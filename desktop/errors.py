"""Errors a clerk can act on. Their message is shown as it is, in Chinese."""

from __future__ import annotations


class PeiyuError(Exception):
    """Refused input or action; nothing was written."""


class NotInitialised(PeiyuError):
    def __init__(self) -> None:
        super().__init__("数据库尚未设置本单位，请先运行 peiyu-cli init 或在程序中完成首次设置。")
