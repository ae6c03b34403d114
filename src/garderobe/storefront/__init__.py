"""The shop's web pages: a React bundle built from web/ and committed under static/."""
