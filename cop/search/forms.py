"""The search form: every argument arrives in the query string and bad values are ignored."""

from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from cop.forms import FilterForm

KIND_CHOICES = [("", "Everything"), ("practice", "Practices"), ("discussion", "Discussions"), ("event", "Events"), ("program", "Programs"),
                ("organization", "Organizations"), ("person", "People")]


class SearchForm(FilterForm):
    q = StringField("Search for", validators=[Optional(), Length(max=1000)])
    kind = SelectField("Show", choices=KIND_CHOICES, validators=[Optional()])
    topic = StringField("Topic", validators=[Optional(), Length(max=80)])
    industry = StringField("Industry", validators=[Optional(), Length(max=80)])
    program_type = StringField("Program type", validators=[Optional(), Length(max=80)])
    organization = StringField("Organization", validators=[Optional(), Length(max=200)])
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    sort = SelectField("Sort by", choices=[("relevance", "Best match"), ("newest", "Newest")], validators=[Optional()])
