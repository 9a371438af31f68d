"""Reference data: the build pipeline (registry packages -> data/reference/) and its loaders.

``python -m atlas.reference.build`` rebuilds the committed files; see data/README.md for the
sources, versions and licences of each file.
"""
