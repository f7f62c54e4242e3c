from django.urls import path

from fracturecare.scheduling import booking_views, desk_views

app_name = "scheduling"
urlpatterns = [
    path("book/", booking_views.book, name="book"),
    path("book/manage/<str:token>/", booking_views.manage, name="manage"),
    path("book/manage/<str:token>/cancel/", booking_views.manage_cancel, name="manage_cancel"),
    path("book/manage/<str:token>/reschedule/", booking_views.manage_reschedule, name="manage_reschedule"),
    path("book/confirmed/<str:token>/", booking_views.book_done, name="book_done"),
    path("book/<slug:type_slug>/", booking_views.book_slots, name="book_slots"),
    path("book/<slug:type_slug>/details/", booking_views.book_details, name="book_details"),
    path("clinic/schedule/", desk_views.schedule, name="schedule"),
    path("clinic/schedule/book/", desk_views.desk_book, name="desk_book"),
    path("clinic/schedule/appointments/<int:pk>/move/", desk_views.appointment_move_view, name="appointment_move"),
    path(
        "clinic/schedule/appointments/<int:pk>/cancel/", desk_views.appointment_cancel_view, name="appointment_cancel"
    ),
    path("clinic/schedule/messages/", desk_views.outbox, name="outbox"),
    path("clinic/schedule/messages/<int:pk>/retry/", desk_views.outbox_retry_view, name="outbox_retry"),
]
