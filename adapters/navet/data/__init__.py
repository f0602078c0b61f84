"""Data files of the Navet adapter (a package so that they ship with it).

``testpersonnummer.csv`` holds Skatteverket's public test personnummer; see
``SOURCES.md`` beside it for where they came from.
"""
