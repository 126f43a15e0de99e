"""The search form: every argument arrives in the query string and bad values are ignored."""

from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from cop.forms import FilterForm

# The longest question taken (the engine reads only its first part: engine.MAX_QUERY_CHARS).
MAX_QUERY_LENGTH = 1000

KIND_CHOICES = [("", "Everything"), ("practice", "Practices"), ("discussion", "Discussions"), ("event", "Events"), ("program", "Programs"),
                ("organization", "Organizations"), ("person", "People")]


class SearchForm(FilterForm):
    q = StringField("Search for", validators=[Optional(), Length(max=MAX_QUERY_LENGTH)])
    kind = SelectField("Show", choices=KIND_CHOICES, validators=[Optional()])
    topic = StringField("Topic", validators=[Optional(), Length(max=80)])
    industry = StringField("Industry", validators=[Optional(), Length(max=80)])
    program_type = StringField("Program type", validators=[Optional(), Length(max=80)])
    organization = StringField("Organization", validators=[Optional(), Length(max=200)])
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    sort = SelectField("Sort by", choices=[("relevance", "Best match"), ("newest", "Newest")], validators=[Optional()])
