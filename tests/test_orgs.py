"""The organization and people directories, organization pages and who may edit them."""

import pytest

from cop.auth.models import Role
from cop.orgs.models import OrgKind


def test_directory_filters_by_kind_industry_and_name(client, member, make_org, login):
    make_org("Riverbend Health System", industry="Healthcare", region="Riverside")
    make_org("Eastfield Community College", kind=OrgKind.training_provider, subtype="community_college",
             industry="Education")
    login(member)
    health = client.get("/orgs/?industry=Healthcare").get_data(as_text=True)
    assert "Riverbend Health System" in health and "Eastfield" not in health
    providers = client.get("/orgs/?kind=training_provider").get_data(as_text=True)
    assert "Eastfield Community College" in providers and "Community college" in providers
    assert "Riverbend" not in providers
    assert "Riverbend" in client.get("/orgs/?q=riverb").get_data(as_text=True)
    assert "No organization matches" in client.get("/orgs/?q=zzz").get_data(as_text=True)


def test_bad_filter_values_are_ignored_not_fatal(client, member, login):
    login(member)
    assert client.get("/orgs/?kind=<script>&page=abc&size=huge").status_code == 200
    assert client.get("/members/?role=emperor&page=-3").status_code == 200


def test_organization_page_lists_its_active_people(client, member, make_user, login):
    colleague = make_user(name="Colleen Colleague", org=member.organization)
    login(member)
    page = client.get(f"/orgs/{member.organization.slug}").get_data(as_text=True)
    assert member.organization.name in page and "Colleen Colleague" in page and "Maria Member" in page
    assert client.get("/orgs/no-such-org").status_code == 404
    assert colleague.name in client.get("/members/?q=colleen").get_data(as_text=True)


def test_manager_edits_own_organization_only(client, manager, make_org, login):
    other = make_org("Someone Else Inc")
    login(manager)
    slug = manager.organization.slug
    response = client.post_form(f"/orgs/{slug}/edit", {
        "name": "Halvorsen Precision", "subtype": "", "industry": "Advanced Manufacturing", "region": "North County",
        "size_band": "250-999", "website": "https://halvorsen.example", "description": "CNC apprenticeships since 2019.",
    }, page=f"/orgs/{slug}/edit")
    assert response.status_code == 302
    assert "CNC apprenticeships since 2019." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get(f"/orgs/{other.slug}/edit").status_code == 403
    assert client.post_form(f"/orgs/{other.slug}/edit", {"name": "Hijacked"}, page="/").status_code == 403
    assert client.get(f"/orgs/{other.slug}/invitations").status_code == 403


def test_members_cannot_edit_or_create_organizations(client, member, login):
    login(member)
    assert client.get(f"/orgs/{member.organization.slug}/edit").status_code == 403
    assert client.get("/orgs/new").status_code == 403


def test_facilitator_creates_an_organization_with_validation(client, facilitator, make_org, login):
    make_org("Taken Name")
    login(facilitator)
    clash = client.post_form("/orgs/new", {"name": "taken name", "kind": "member_company"}, page="/orgs/new")
    assert "already has this name" in clash.get_data(as_text=True)
    mismatch = client.post_form("/orgs/new", {"name": "Beacon Hybrid College", "kind": "member_company",
                                              "subtype": "hybrid_college", "website": "not a url"}, page="/orgs/new")
    text = mismatch.get_data(as_text=True)
    assert "doesn" in text and "Enter a full address" in text and 'value="Beacon Hybrid College"' in text
    created = client.post_form("/orgs/new", {"name": "Beacon Hybrid College", "kind": "training_provider",
                                             "subtype": "hybrid_college", "industry": "Education"}, page="/orgs/new")
    assert created.status_code == 302 and created.headers["Location"] == "/orgs/beacon-hybrid-college"
    assert "Hybrid college" in client.get("/orgs/beacon-hybrid-college").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/orgs/", "/members/", "/"])
def test_list_pages_run_a_constant_number_of_statements(client, facilitator, make_org, make_user, login,
                                                        count_queries, path):
    login(facilitator)

    def statements():
        with count_queries() as tally:
            assert client.get(path).status_code == 200
        return tally.count

    for _ in range(3):
        make_user(org=make_org())
    few = statements()
    for _ in range(12):
        org = make_org()
        make_user(org=org, role=Role.manager)
        make_user(org=org)
    assert statements() == few
