"""The app's pages: each file is a Streamlit page script with a ``render(ctx)`` function."""
