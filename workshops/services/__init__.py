"""Writes, a module per aggregate: every change to the database goes through one of them.

Each service is keyword-only and atomic; views, commands and tests call them, never the ORM.
"""
