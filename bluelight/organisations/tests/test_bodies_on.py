import datetime

from bluelight.organisations.selectors import bodies_on


def test_merged_services_give_way_to_the_body_they_became_in_one_query(register, django_assert_num_queries):
    with django_assert_num_queries(1):
        before = bodies_on(datetime.date(2014, 9, 30))
    after = bodies_on(datetime.date(2017, 4, 1))
    assert before["dorset_frs"].slug == "dorset_frs"
    assert after["dorset_frs"].slug == after["wiltshire_frs"].slug == "dorset_wiltshire_frs"
    assert after["surrey_police"].slug == "surrey_police"
