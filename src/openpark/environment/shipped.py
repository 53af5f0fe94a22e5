"""What ships with the platform: the outfall classes of HJ 1312-2023 (入河（海）排污口分类), which a
park may rename, add to or group as it likes (the demo park's "五类排口", say)."""

CLASSES = (
    ("工业排污口", False, "工业企业和工业园区污水处理厂的排污口"),
    ("工业雨水排口", True, "工业企业和工业园区的雨水排口"),
    ("城镇污水处理厂排污口", False, ""),
    ("农业排口", False, "规模化畜禽养殖、水产养殖排口"),
    ("其他排口", False, "灌区、港口码头、小规模养殖、农村污水处理设施、农村生活污水散排口等"),
)


def ship_classes(model) -> None:
    """Create the shipped classes that are missing (`model` may be a migration's historical one)."""
    for order, (name, storm, note) in enumerate(CLASSES, start=1):
        model._default_manager.get_or_create(name=name, defaults={"is_storm_water": storm, "order": order * 10,
                                                                 "note": note})
