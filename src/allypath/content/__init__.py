"""After the diagnosis: the content library, scenario dilemmas and ally-circle guides (issue 17).

Django-free. The texts live as validated YAML under ``allypath/instrument/data/content/`` (en, fr,
ar); this package loads them as typed objects and holds the pure functions that choose from them.
"""

from allypath.content.choose import Profile, Suggestion, choose_dilemmas, next_items, profile_from_scored
from allypath.content.circles import Circle, CircleRules, Formation, Volunteer, form_circles, meeting_guide
from allypath.content.definition import (
    FORMAT_FOR_STAGE,
    FORMATS,
    GUIDE_MIXES,
    REQUIRED_LANGUAGES,
    CircleGuide,
    ContentError,
    Dilemma,
    DilemmaOption,
    DilemmaSet,
    GuideSet,
    Library,
    LibraryItem,
    Link,
    Session,
    Step,
)
from allypath.content.loader import (
    CONTENT_DIR,
    DEFAULT_FILES,
    MIN_DILEMMAS_PER_CONTEXT,
    MIN_ITEMS_PER_STAGE,
    SESSIONS_PER_GUIDE,
    load_circle_guides,
    load_dilemmas,
    load_library,
    validate_content_file,
)

__all__ = [
    "CONTENT_DIR",
    "DEFAULT_FILES",
    "FORMATS",
    "FORMAT_FOR_STAGE",
    "GUIDE_MIXES",
    "MIN_DILEMMAS_PER_CONTEXT",
    "MIN_ITEMS_PER_STAGE",
    "REQUIRED_LANGUAGES",
    "SESSIONS_PER_GUIDE",
    "Circle",
    "CircleGuide",
    "CircleRules",
    "ContentError",
    "Dilemma",
    "DilemmaOption",
    "DilemmaSet",
    "Formation",
    "GuideSet",
    "Library",
    "LibraryItem",
    "Link",
    "Profile",
    "Session",
    "Step",
    "Suggestion",
    "Volunteer",
    "choose_dilemmas",
    "form_circles",
    "load_circle_guides",
    "load_dilemmas",
    "load_library",
    "meeting_guide",
    "next_items",
    "profile_from_scored",
    "validate_content_file",
]
