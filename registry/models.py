"""Face: the registry's models live in its slices; importing them here registers them
with Django (app label `registry`, tables unchanged). Import lines only."""

import registry.agencies.models  # noqa: F401  (中介机构)
import registry.basemap.models  # noqa: F401  (底图)
import registry.enterprises.file_models  # noqa: F401  (一企一档)
import registry.enterprises.models  # noqa: F401  (企业, 档案变更审核)
import registry.floorplans.models  # noqa: F401  (厂区平面图)
import registry.hazards.models  # noqa: F401  (重大危险源)
import registry.knowledge.models  # noqa: F401  (知识库)
import registry.licences.models  # noqa: F401  (证照)
import registry.plans.models  # noqa: F401  (应急预案)
import registry.resources.models  # noqa: F401  (应急资源)
