"""Static files storage: hashed, compressed names after collectstatic, plain names before it."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """Without a manifest (tests, development) names stay as they are and whitenoise serves them from the
    packages; after ``collectstatic`` (scripts/serve.sh) the manifest's hashed names are used.
    """

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:
            return name
        return super().stored_name(name)
