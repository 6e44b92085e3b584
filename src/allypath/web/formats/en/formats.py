"""English dates as the rest of allypath writes them, British style: "6 January 2027", not Django's
American default "Jan. 6, 2027" (a respondent's page, the e-mails and the console agree). Anything not
set here falls back to Django's own English formats."""

DATE_FORMAT = "j F Y"
