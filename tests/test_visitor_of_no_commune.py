"""A deployment of several communes, a villager who types the address (no poster, no class
link): the identity form offers every commune's places, each named with its commune, and the
place chosen makes them that commune's."""

from helpers import csrf_token

import database
from extensions import db
from models import Participant
from services.org.units import create_unit


def test_a_visitor_of_no_commune_yet_picks_a_place_of_any_commune(app, client, places):
    with app.app_context():
        commune = create_unit("commune", "Xã Hoàng Đồng", target_population=800)
        village = create_unit("village", "Thôn Khòn Pần", commune, target_population=200)
        database.commit()
        b_village, b_commune = village.id, commune.id
    page = client.get("/identify").get_data(as_text=True)
    assert "Thôn Khòn Pần — Xã Hoàng Đồng" in page
    assert f'value="{places["village"]}"' in page  # commune A's village too
    response = client.post(
        "/identify",
        data={
            "csrf_token": csrf_token(page),
            "display_name": "Hoàng Văn Pần",
            "role": "villager",
            "unit_id": str(b_village),
            "age_band": "30-44",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        person = db.session.query(Participant).filter_by(display_name="Hoàng Văn Pần").one()
        assert (person.unit_id, person.commune_id) == (b_village, b_commune)
    # Known now: their own commune's places only.
    again = client.get("/identify").get_data(as_text=True)
    assert "Khòn Pần" in again and f'value="{places["village"]}"' not in again


def test_one_commune_deployment_shows_its_places_without_a_commune_name(client, places):
    page = client.get("/identify").get_data(as_text=True)
    assert f'value="{places["village"]}"' in page and " — Xã " not in page
