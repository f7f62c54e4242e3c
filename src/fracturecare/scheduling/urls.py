from django.urls import path

from fracturecare.scheduling import booking_views, desk_views, message_views

app_name = "scheduling"
urlpatterns = [
    path("book/", booking_views.book, name="book"),
    path("book/manage/<str:token>/", booking_views.manage, name="manage"),
    path("book/manage/<str:token>/cancel/", booking_views.manage_cancel, name="manage_cancel"),
    path("book/manage/<str:token>/reschedule/", booking_views.manage_reschedule, name="manage_reschedule"),
    path("book/manage/<str:token>/appointment.ics", message_views.manage_ics, name="manage_ics"),
    path("book/waitlist/<str:token>/", message_views.waitlist_claim_view, name="waitlist_claim"),
    path("sms/inbound/twilio/", message_views.twilio_inbound, name="twilio_inbound"),
    path("book/confirmed/<str:token>/", booking_views.book_done, name="book_done"),
    path("book/<slug:type_slug>/", booking_views.book_slots, name="book_slots"),
    path("book/<slug:type_slug>/details/", booking_views.book_details, name="book_details"),
    path("clinic/schedule/", desk_views.schedule, name="schedule"),
    path("clinic/schedule/book/", desk_views.desk_book, name="desk_book"),
    path("clinic/schedule/appointments/<int:pk>/move/", desk_views.appointment_move_view, name="appointment_move"),
    path(
        "clinic/schedule/appointments/<int:pk>/cancel/", desk_views.appointment_cancel_view, name="appointment_cancel"
    ),
    path("clinic/schedule/day-sheet/", desk_views.day_sheet, name="day_sheet"),
    path("clinic/schedule/appointments/<int:pk>/", desk_views.appointment_detail, name="appointment_detail"),
    path(
        "clinic/schedule/appointments/<int:pk>/status/", desk_views.appointment_status_view, name="appointment_status"
    ),
    path("clinic/schedule/waitlist/", desk_views.waitlist, name="waitlist"),
    path("clinic/schedule/waitlist/<int:pk>/remove/", desk_views.waitlist_remove_view, name="waitlist_remove"),
    path("clinic/schedule/messages/texts/", desk_views.text_sink, name="text_sink"),
    path("clinic/schedule/messages/", desk_views.outbox, name="outbox"),
    path("clinic/schedule/messages/<int:pk>/retry/", desk_views.outbox_retry_view, name="outbox_retry"),
]
