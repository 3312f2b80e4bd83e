"""Report drawing in these tests runs on pytest-qt's QApplication (see support.widgets_application)."""

from support.widgets_application import widgets_application

__all__ = ["widgets_application"]
