from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "cadence.transfer"
    label = "transfer"
    verbose_name = "Data in and out: imports, exports, archives, backups"
