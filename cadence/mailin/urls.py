from django.urls import path

from cadence.mailin import views

urlpatterns = [
    path("settings/integrations/email-replies/", views.reply_settings, name="mailin_settings"),
    path("integrations/mail-in/mailgun-mime/", views.mailgun_inbound, name="mailin_mailgun"),
    path("integrations/mail-in/postmark/", views.postmark_inbound, name="mailin_postmark"),
]
