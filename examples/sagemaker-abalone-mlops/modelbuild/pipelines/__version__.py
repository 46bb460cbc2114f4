"""Metadata for the pipelines package."""

__title__ = "pipelines"
__description__ = "pipelines - template package"
__version__ = "0.0.1"
__author__ = ""
__author_email__ = ""
__license__ = "Apache 2.0"
__url__ = ""
