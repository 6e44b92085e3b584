"""Static files storage: hashed names after collectstatic, plain names before it.

Not compressed ahead of time: compressing the API docs bundles took two minutes of every start on two
cores, for pages that are small anyway.
"""

from __future__ import annotations

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage


class StaticStorage(ManifestStaticFilesStorage):
    """Without a manifest (tests, development) names stay as they are and whitenoise serves them from the
    packages; after ``collectstatic`` (scripts/serve.sh) the manifest's hashed names are used.
    """

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:
            return name
        return super().stored_name(name)
