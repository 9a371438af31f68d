"""Reference data: the build pipeline (registry packages -> atlas/data/reference/) and its loaders.

``atlas reference`` (``make reference``) rebuilds the committed files; see data/README.md for the
sources, versions and licences of each file.
"""
