"""Search: finds what members may see, never what they may not, keeps up with every change,
and answers every query quickly without an error."""

import re
import threading
import time

import pytest
import sqlalchemy as sa
from whoosh import query

from cop.extensions import db
from cop.orgs.models import Organization
from cop.practices import services as library
from cop.practices.models import Practice, Topic
from cop.search import engine
from cop.search.models import SearchChange
from tests.conftest import made_in


@pytest.fixture
def publish(app, member):
    def publish(title="Pairing interns with mentors", body="Mentors meet interns every week.", author=None,
                topics=("supervision-and-mentoring",), publish=True, **classification):
        with made_in(app) as finish:
            author = db.session.merge(author or member)
            chosen = db.session.scalars(sa.select(Topic).where(Topic.slug.in_(topics))).all()
            practice = library.create_practice(author, title=title, summary=f"About {title.lower()}.", body=body,
                                               publish=publish,
                                               classification=library.Classification(topics=chosen, **classification))
            db.session.commit()
            return finish(practice)

    return publish


def results_page(client, **params):
    response = client.get("/search/", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_published_practice_is_found_by_a_body_word_with_highlight(client, member, login):
    login(member)
    page = "/practices/new"
    from tests.test_practices import topic_id

    client.post_form("/practices/new", {
        "title": "Bus passes for every apprentice", "summary": "We pay for transit.",
        "body": "The transit authority sells a **quarterly** pass that we hand out on day one.",
        "topics": [topic_id(client.application, "wraparound-supports-and-retention")], "publish": "Publish",
    }, page=page)
    html = results_page(client, q="quarterly")
    assert "Bus passes for every apprentice" in html and re.search(r"<mark[^>]*>quarterly</mark>", html)


def test_what_members_may_not_see_never_appears(app, client, member, facilitator, publish, login):
    publish(title="Secret draft", body="zanzibarish plans", publish=False)
    gone = publish(title="Deleted one", body="xylophonic budget")
    hidden = publish(title="Unpublished one", body="quokkalike staffing")
    with app.app_context():
        library.delete_practice(db.session.get(Practice, gone.id), by=db.session.merge(member))
        library.unpublish_practice(db.session.get(Practice, hidden.id), by=db.session.merge(facilitator))
        db.session.commit()
    for viewer in (member, facilitator):
        c = app.test_client()
        login(viewer, client=c)
        for word in ("zanzibarish", "xylophonic", "quokkalike"):
            html = results_page(c, q=word)
            assert "0 results" in html, (viewer.name, word)
        assert c.get("/search/suggest", query_string={"q": "secret dr"}).get_json() == {"titles": []}
    assert app.test_client().get("/search/?q=budget").status_code == 302


def test_a_change_committed_by_a_dead_worker_is_found_after_sync(app, runner, client, member, publish, login):
    practice = publish(title="Coordinator time", body="plain words")
    login(member)
    assert "1 result" in results_page(client, q="coordinator")
    # Another process commits an edit and dies before it can touch the index.
    with app.app_context():
        row = db.session.get(Practice, practice.id)
        library.update_practice(row, db.session.merge(member), title=row.title, summary=row.summary,
                                body="now mentions the marimbaphone fund")
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(SearchChange.id))) >= 2
    folder = engine.current_dir(app)
    before = engine._read_position(folder)["position"]
    result = runner.invoke(args=["search", "sync"])
    assert "Refreshed 1 document(s)." in result.output
    assert engine._read_position(folder)["position"] > before
    assert "marimbaphone" in results_page(client, q="marimbaphone")


def test_an_edited_document_is_found_once_with_its_new_words_only(app, client, member, publish, login):
    practice = publish(title="Stipends for transit", body="We pay the bus fare.")
    login(member)
    assert "1 result for" in results_page(client, q="stipends")  # the worker now holds a searcher
    for n, word in enumerate(["tram", "ferry", "bicycle"]):
        with app.app_context():
            row = db.session.get(Practice, practice.id)
            library.update_practice(row, db.session.merge(member), title=row.title, summary=row.summary,
                                    body=f"We pay the {word} fare.")
            db.session.commit()
        html = results_page(client, q="stipends")
        assert "1 result for" in html, (word, re.findall(r"\d+ results? for", html), re.findall(r'flash[^"]*"[^>]*>([^<]*)', html))
        assert "0 results" in results_page(client, q="bus")
        assert "1 result for" in results_page(client, q=word)


def test_renaming_an_organization_reaches_its_practices(app, client, member, publish, login):
    publish(title="Shift schedules for students")
    with app.app_context():
        org = db.session.get(Organization, member.organization_id)
        org.name = "Quillfeather Robotics"
        db.session.commit()
    login(member)
    html = results_page(client, q="quillfeather", kind="practice")
    assert "Shift schedules for students" in html


def test_a_suspended_person_leaves_the_people_results(app, client, facilitator, make_user, login):
    person = make_user(name="Ximena Quartermaine")
    login(facilitator)
    assert "Ximena Quartermaine" in results_page(client, q="Quartermaine")
    client.post_form(f"/members/{person.id}/suspend", page=f"/members/{person.id}")
    assert "0 results" in results_page(client, q="Quartermaine")


@pytest.mark.parametrize("hostile", [
    '"unbalanced quote', "((((((((((((((((((((((((deep", ")))(((", "NOT NOT NOT x", "*", "**", "*e*", "?",
    "x" * 100_000, "\x00\x07\x1b[31m", "🙂 ünïcödé ﷽ 漢字", "topic:", "title:(", "[a TO", "date:[2020 TO 1990]",
    "a" * 59 + "*", "AND OR NOT", "-everything", '"""', "\\", "%%%", "<script>alert(1)</script>",
])
def test_hostile_queries_answer_quickly_without_errors(client, member, publish, login, hostile):
    publish(body="Some everyday words about apprentices and budgets.")
    login(member)
    results_page(client, q="budgets")  # the first search of a new index builds it; time the query alone
    started = time.monotonic()
    response = client.get("/search/", query_string={"q": hostile})
    assert response.status_code in (200, 400)
    assert time.monotonic() - started < 1.0
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_bad_dates_and_pages_are_handled(client, member, login):
    login(member)
    swapped = results_page(client, q="budget", date_from="2026-12-01", date_to="2020-01-01")
    assert "we swapped them" in swapped
    assert "date filter was left out" in results_page(client, q="budget", date_from="yesterday")
    assert client.get("/search/?q=budget&page=999999999").status_code == 200
    assert client.get("/search/?q=budget&page=-4&kind=<x>&sort=sideways").status_code == 200


def test_phrases_fields_prefixes_facets_and_suggestions(client, member, publish, login, make_user):
    publish(title="Which business unit pays", body="The business unit that hires them pays the wage.",
            topics=("budget-and-funding",), industries=["Healthcare"], program_types=["apprenticeship"])
    publish(title="Units of competency", body="A unit of study for each business area.",
            topics=("competencies-and-assessment",), industries=["Information Technology"])
    login(member)
    phrase = results_page(client, q='"business unit"')
    assert "Which business unit pays" in phrase and "Units of competency" not in phrase
    topic = results_page(client, q="topic:budget")
    assert "Which business unit pays" in topic and "Units of competency" not in topic
    prefix = results_page(client, q="compet*")
    assert "Units of competency" in prefix
    faceted = results_page(client, q="business", industry="Healthcare")
    assert "Which business unit pays" in faceted and "Units of competency" not in faceted
    everything = results_page(client, q="business")
    assert "Budget and funding" in everything and "Apprenticeship" in everything  # facet labels
    assert "Did you mean" in results_page(client, q="businness")


def test_type_ahead_suggests_titles_by_prefix(client, member, publish, login):
    publish(title="Transportation stipends that keep students")
    login(member)
    assert client.get("/search/suggest", query_string={"q": "transportation sti"}).get_json() == {
        "titles": ["Transportation stipends that keep students"]}
    assert client.get("/search/suggest", query_string={"q": "x" * 5000}).get_json() == {"titles": []}


def test_rebuild_swaps_in_a_new_folder_and_keeps_changes_made_meanwhile(app, runner, client, member, publish, login):
    publish(title="Before the rebuild")
    login(member)
    results_page(client, q="rebuild")
    old = engine.current_dir(app)
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "practice" in result.output
    new = engine.current_dir(app)
    assert new != old and not old.exists()
    assert "Before the rebuild" in results_page(client, q="rebuild")


def test_two_indexes_beside_one_database_converge(app, publish, tmp_path):
    from config import TestConfig
    from cop import create_app

    publish(title="Everyone sees this eventually")
    other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                       COP_INDEX_DIR=str(tmp_path / "second-machine"), MAIL_DIR=str(tmp_path / "m2"),
                       COP_UPLOAD_DIR=str(tmp_path / "u2"))
    for each in (app, other):
        with each.app_context():
            engine.sync(each)
            assert engine.search(each, "eventually").total == 1
            db.engine.dispose()


def test_concurrent_writers_never_raise_lock_errors(app, publish, member):
    for n in range(6):
        publish(title=f"Practice number {n}")
    errors = []

    def writer():
        try:
            with app.app_context():
                engine.sync(app, timeout=20)
                db.session.remove()
        except Exception:  # collected and asserted below, with where it happened
            import traceback

            errors.append(traceback.format_exc())

    threads = [threading.Thread(target=writer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        assert engine.search(app, "practice number").total == 6


def test_search_page_runs_a_constant_number_of_statements(app, client, member, publish, make_user, login,
                                                          count_queries):
    login(member)

    def statements():
        results_page(client, q="mentor")  # catch up first
        with count_queries() as tally:
            results_page(client, q="mentor")
        return tally.count

    for n in range(2):
        publish(title=f"Mentor plan {n}", author=make_user())
    few = statements()
    for n in range(8):
        publish(title=f"Mentor plan extra {n}", author=make_user(), topics=("staffing", "internal-buy-in"))
    assert statements() == few


def test_discussions_are_found_by_reply_words_and_hidden_ones_never(app, client, member, facilitator, login):
    from cop.discussions import services as talk
    from cop.discussions.models import ThreadKind

    with app.app_context():
        author = db.session.merge(member)
        category = talk.category_for("general")
        thread = talk.create_thread(author, title="Who pays for safety boots?", body="Asking for a friend.",
                                    kind=ThreadKind.question, category=category)
        db.session.flush()
        talk.add_reply(thread, db.session.merge(facilitator), "Our plant budget covers the steeltoe allowance.")
        secret = talk.create_thread(author, title="Soon hidden", body="contains the word quetzalcoatlus",
                                    kind=ThreadKind.discussion, category=category)
        db.session.commit()
        thread_id, secret_id = thread.id, secret.id
    login(member)
    html = results_page(client, q="steeltoe")
    assert "Who pays for safety boots?" in html and re.search(r"<mark[^>]*>steeltoe</mark>", html)
    assert "1 result for" in results_page(client, q="quetzalcoatlus")
    with app.app_context():
        from cop.discussions.models import Thread

        hidden = db.session.get(Thread, secret_id)
        hidden.hidden_at = hidden.created_at
        db.session.commit()
    assert "0 results" in results_page(client, q="quetzalcoatlus")
    fac = app.test_client()
    login(facilitator, client=fac)
    assert "0 results" in results_page(fac, q="quetzalcoatlus")
    assert thread_id


def test_events_and_program_profiles_are_searchable(app, client, member, facilitator, login, runner):
    runner.invoke(args=["seed-demo"])
    login(member)
    assert "Riverbend" in results_page(client, q="site visit", kind="event")
    html = results_page(client, q="machinist", kind="program")
    assert "Program ·" in html and "0 results" not in html


def _grouped_by_whoosh(app, text, filters=None):
    """Whoosh's own `groupedby` counts for the same query: the reference the engine's counting must equal."""
    from whoosh import query, sorting

    searcher = engine._searcher(app)
    parsed = engine.parse(engine.clean_query(text), searcher.schema)
    conditions = [query.Term(engine.FACETS[name], value) for name, value in (filters or {}).items()]
    facets = {name: sorting.FieldFacet(field, allow_overlap=True, maptype=sorting.Count)
              for name, field in engine.FACETS.items()}
    results = searcher.search(parsed, limit=None, groupedby=facets,
                              filter=query.And(conditions) if conditions else None,
                              mask=engine.deleted_documents(searcher) or None)
    return len(results), {name: sorted(((str(k), v) for k, v in results.groups(name).items() if k),
                                       key=lambda kv: (-kv[1], kv[0])) for name in engine.FACETS}


def test_facet_counts_equal_whoosh_grouping_across_edits_and_deletions(app, member, facilitator, publish):
    made = [publish(title=f"Mentoring plan {n}", body="Weekly mentoring check-ins with each intern.",
                    topics=(topic,), industries=[industry], program_types=[program])
            for n, (topic, industry, program) in enumerate([
                ("supervision-and-mentoring", "Healthcare", "internship"),
                ("staffing", "Healthcare", "apprenticeship"),
                ("staffing", "Manufacturing", "internship"),
                ("budget-and-funding", "Manufacturing", "job-shadow"),
            ])]
    with app.app_context():
        engine.catch_up(app)
        before = engine.search(app, "mentoring")
        assert before.total == 4 and not before.approximate
        assert dict(before.facets["topic"]) == {"staffing": 2, "supervision-and-mentoring": 1, "budget-and-funding": 1}
        assert (before.total, before.facets) == _grouped_by_whoosh(app, "mentoring")
        # An edit writes a new segment and deletes the old document; a deletion only hides one.
        staffing = db.session.scalars(sa.select(Topic).where(Topic.slug == "staffing")).all()
        row = db.session.get(Practice, made[0].id)
        library.update_practice(row, db.session.merge(member), title=row.title, summary=row.summary, body=row.body,
                                classification=library.Classification(topics=staffing, industries=["Energy"],
                                                                      program_types=["internship"]))
        library.delete_practice(db.session.get(Practice, made[3].id), db.session.merge(facilitator))
        db.session.commit()
        engine.catch_up(app)
        after = engine.search(app, "mentoring")
        assert after.total == 3
        assert dict(after.facets["topic"]) == {"staffing": 3}
        assert dict(after.facets["industry"]) == {"Energy": 1, "Healthcare": 1, "Manufacturing": 1}
        assert (after.total, after.facets) == _grouped_by_whoosh(app, "mentoring")
        assert [hit.object_id for hit in after.hits].count(made[0].id) == 1  # not its old version too
        assert [title for _, _, title in engine.suggest_titles(app, "mentoring pl")].count("Mentoring plan 0") == 1
        narrowed = engine.search(app, "mentoring", filters={"industry": "Healthcare"})
        assert narrowed.total == 1 and [h.object_id for h in narrowed.hits] == [made[1].id]
        assert (narrowed.total, narrowed.facets) == _grouped_by_whoosh(app, "mentoring", {"industry": "Healthcare"})


def test_counting_that_runs_out_of_time_says_its_figures_are_partial(app, publish):
    publish(title="Mentoring plan", body="Weekly mentoring check-ins.")
    with app.app_context():
        engine.catch_up(app)
        searcher = engine._searcher(app)
        parsed = engine.parse("mentoring", searcher.schema)
        assert engine.count_matches(searcher, parsed, time.monotonic() + 5)[::2] == (1, True)
        total, facets, complete = engine.count_matches(searcher, parsed, time.monotonic() - 1)
        assert (total, complete) == (1, False)  # what was counted before the deadline was noticed


BODIES = [
    "Our business unit pays the interns. The business case went to the plant manager first.",
    "Mentors meet interns every week; the budget for mentors comes from the training line.",
    "We staff the program with two coordinators; the business office lends us a unit clerk from the school district.",
    "Transportation stipends keep students in the program; the grant report shows retention by school.",
    "Community college partners teach the welding competencies; the unit budget covers tuition.",
    "The plant manager approves every mentor. Mentors, mentors, mentors: a program lives on its mentors.",
]
ARRAY_QUERIES = ["mentors", "business unit", '"business unit"', "mentors budget", "mentors OR welding",
                 "program NOT school", "topic:staffing", '"plant manager" mentors', "interns (budget OR grant)",
                 "welding", "nothingmatchesthis", '"unit budget"', '"the business case went"', '"mentors mentors"',
                 "ment*", "weld* budget", "interns OR cohor*", "busin*", "tra* mentors"]


def _with_whoosh_matchers(app, text, sort="relevance", page=1, per_page=4, filters=None):
    """The same search through Whoosh's own matchers: every match ranked (Whoosh's limited top-k skips
    blocks by an estimate and, at 50,000 practices, misses some of the best documents), and the counts."""
    from whoosh import sorting

    searcher = engine._searcher(app)
    parsed = engine.parse(engine.clean_query(text), searcher.schema)
    conditions = [query.Term(engine.FACETS[name], value) for name, value in (filters or {}).items()]
    restrict = query.And(conditions) if conditions else None
    ranked = searcher.search(parsed, limit=None, filter=restrict, mask=engine.deleted_documents(searcher) or None,
                             sortedby=sorting.FieldFacet("stamp", reverse=True) if sort == "newest" else None)
    hits = list(ranked)[(page - 1) * per_page:page * per_page]
    _, total, facets, _ = engine._search_with_matchers(searcher, text, parsed, restrict, sort, page, per_page)
    return [(h["kind"], h["obj_id"]) for h in hits], [h.score for h in hits], total, facets


def test_array_matching_ranks_counts_and_scores_as_whoosh_does(app, member, facilitator, publish):
    from cop.search import matching

    topics = ["staffing", "budget-and-funding", "supervision-and-mentoring"]
    made = [publish(title=f"{['Mentoring', 'Budget', 'Staffing'][n % 3]} practice {n}", body=BODIES[n % len(BODIES)]
                    + f" Cohort {n}." + " mentors" * (n % 4), topics=(topics[n % 3],),
                    industries=[["Healthcare", "Energy"][n % 2]], program_types=["internship"])
            for n in range(14)]
    with app.app_context():
        engine.catch_up(app)
        # An edit and a deletion: a second segment, and deleted documents in the first.
        row = db.session.get(Practice, made[1].id)
        library.update_practice(row, db.session.merge(member), title=row.title, summary=row.summary,
                                body=row.body + " Business unit budget mentors.",
                                classification=library.Classification(topics=row.topics, industries=["Energy"],
                                                                      program_types=["internship"]))
        library.delete_practice(db.session.get(Practice, made[4].id), db.session.merge(facilitator))
        db.session.commit()
        engine.catch_up(app)
        searcher = engine._searcher(app)
        assert len(searcher.subsearchers or []) >= 2 and engine.deleted_documents(searcher)
        for text in ARRAY_QUERIES:
            for sort, page, filters in [("relevance", 1, None), ("relevance", 2, None), ("newest", 1, None),
                                        ("relevance", 1, {"industry": "Energy"})]:
                parsed = engine.parse(engine.clean_query(text), searcher.schema)
                matching.run(searcher, parsed, None, engine.facet_values, 1, False)
                ours = engine.search(app, text, sort=sort, page=page, per_page=4, filters=filters)
                ids, scores, total, facets = _with_whoosh_matchers(app, text, sort, page, 4, filters)
                label = (text, sort, page, filters)
                assert [(h.kind, h.object_id) for h in ours.hits] == ids, label
                assert (ours.total, ours.facets) == (total, facets), label
                if sort == "relevance":
                    assert [h.score for h in ours.hits] == pytest.approx(scores, rel=1e-9), label
        assert engine.search(app, '"business unit"').total < engine.search(app, "business unit").total
        segments = [leaf.reader() for leaf, _ in searcher.subsearchers]
        assert any(len(list(reader.expand_prefix("content", "tra"))) == 2 for reader in segments)


def test_decoded_postings_equal_whoosh_matchers(app, publish):
    from cop.search import matching

    for n in range(300):  # enough postings for several of Whoosh's 128-posting blocks
        publish(title=f"Mentoring plan {n}", body="Mentors " * (1 + n % 5) + f"meet interns, week {n}.")
    with app.app_context():
        engine.catch_up(app)
        searcher = engine._searcher(app)
        for leaf, _ in searcher.subsearchers or [(searcher, 0)]:
            reader = leaf.reader()
            for fieldname, word in [("content", b"mentor"), ("content", b"intern"), ("title", b"plan"),
                                    ("content", b"299"), ("content", b"nosuchword")]:
                decoded = matching.postings(reader, fieldname, word, with_places=True)
                try:
                    expected = reader.postings(fieldname, word)
                except Exception:  # noqa: BLE001  a term this segment lacks
                    assert len(decoded.ids) == 0
                    continue
                ids, weights, places = [], [], []
                while expected.is_active():
                    ids.append(expected.id())
                    weights.append(expected.weight())
                    places.extend((expected.id() << 32) | p for p in expected.value_as("positions"))
                    expected.next()
                assert decoded.ids.tolist() == ids and decoded.weights.tolist() == weights
                assert decoded.places.tolist() == places
        assert max(len(matching.postings(leaf.reader(), "content", b"mentor").ids)
                   for leaf, _ in searcher.subsearchers or [(searcher, 0)]) > 128


def test_snippets_mark_words_far_into_long_texts_and_stems_that_are_no_prefix():
    long_text = "Orientation covers the badge office and parking. " * 400 + "Our mentors call each intern weekly."
    marked = engine.snippet(long_text, {("content", "mentor")})
    assert re.search(r"<mark[^>]*>mentors</mark>", marked) and "parking" in marked  # the passage around it
    study = "We ran a small study of first-year interns, and the study changed how we pair mentors."
    assert re.search(r"<mark[^>]*>study</mark>", engine.snippet(study, {("content", "studi")}))
    assert engine.snippet("Nothing to see here.", {("content", "mentor")}) == ""
