from django import forms

from .models import Grid
from .scoping import scope_queryset


class ScopedModelForm(forms.ModelForm):
    """A model form whose choices of related records are limited to live rows in the user's scope,
    so that nobody can link a record to one they may not see."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is None:
                continue
            model = queryset.model
            if hasattr(model, "is_deleted"):
                queryset = queryset.filter(is_deleted=False)
            if user is not None:
                queryset = scope_queryset(queryset, user)
            field.queryset = queryset


class GridForm(ScopedModelForm):
    class Meta:
        model = Grid
        fields = ["code", "name", "boundary"]
