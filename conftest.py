"""Collection for the whole repository (tests/conftest.py holds the fixtures).

``--doctest-modules`` (pyproject.toml) imports every module of ``kamgraph/`` to run its
docstring examples; the Streamlit pages and the app's frame (``kamgraph/ui/``) are left out:
importing a page is running it. tests/test_ui_*.py cover them.
"""

collect_ignore = ["kamgraph/ui", "app.py"]
