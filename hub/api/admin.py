"""Admin: what the branch offers and who works there; reloading its configuration."""

from __future__ import annotations

from hub.api.status import Context, rpc
from hub.service import Hub
from protos.okno.v1 import admin_pb2, admin_pb2_grpc


class AdminServicer(admin_pb2_grpc.AdminServicer):
    def __init__(self, hub: Hub) -> None:
        self._hub = hub

    @rpc
    async def GetBranch(
        self, request: admin_pb2.GetBranchRequest, context: Context
    ) -> admin_pb2.Branch:
        branch = self._hub.loaded.branch
        return admin_pb2.Branch(
            id=branch.id,
            name=branch.name,
            timezone=branch.timezone,
            day=self._hub.engine.day,
            max_wait_s=int(branch.max_wait_min * 60),
            config_digest=self._hub.loaded.digest,
            ticket_page_url=branch.ticket_page_url,
            keep_contacts_days=branch.appointments.keep_contacts_days,
            public_url=branch.public_base(),
            application_keep_contacts_days=branch.applications.keep_contacts_days,
            application_longest_keep_days=branch.applications.longest_keep_days,
            collect_service=branch.applications.collect_service or "",
        )

    @rpc
    async def ListServices(
        self, request: admin_pb2.ListServicesRequest, context: Context
    ) -> admin_pb2.ListServicesResponse:
        branch = self._hub.loaded.branch
        return admin_pb2.ListServicesResponse(
            services=[
                admin_pb2.ServiceInfo(
                    id=s.id,
                    prefix=s.prefix,
                    name_ru=s.name_ru,
                    name_en=s.name_en,
                    group_id=s.group or "",
                    target_wait_s=branch.target_wait_ms(s) // 1000,
                    average_service_s=round(s.average_service_min * 60),
                    fee_kopecks=s.fee_kopecks,
                    fee_purpose=s.fee_purpose,
                    bookable=bool(branch.appointments.capacity.get(s.id)),
                    processing_days=s.processing_days,
                    authority=s.authority,
                )
                for s in branch.services
            ],
            groups=[
                admin_pb2.ServiceGroup(id=g.id, name_ru=g.name_ru, name_en=g.name_en)
                for g in branch.groups
            ],
            priorities=[
                admin_pb2.PriorityCategory(
                    id=p.id,
                    name_ru=p.name_ru,
                    name_en=p.name_en,
                    claimable=p.claimable,
                    document_ru=p.document_ru,
                    document_en=p.document_en,
                )
                for p in branch.priorities
            ],
        )

    @rpc
    async def ListDesks(
        self, request: admin_pb2.ListDesksRequest, context: Context
    ) -> admin_pb2.ListDesksResponse:
        branch = self._hub.loaded.branch
        return admin_pb2.ListDesksResponse(
            desks=[
                admin_pb2.DeskInfo(
                    id=d.id,
                    number=d.number,
                    name=d.name,
                    service_weights=d.services,
                    printer_id=branch.slip_printer(d),
                )
                for d in branch.desks
            ]
        )

    @rpc
    async def ListOperators(
        self, request: admin_pb2.ListOperatorsRequest, context: Context
    ) -> admin_pb2.ListOperatorsResponse:
        return admin_pb2.ListOperatorsResponse(
            operators=[
                admin_pb2.Operator(id=o.id, name=o.name, roles=o.roles)
                for o in self._hub.loaded.branch.operators
            ]
        )

    @rpc
    async def ReloadConfig(
        self, request: admin_pb2.ReloadConfigRequest, context: Context
    ) -> admin_pb2.ReloadConfigResponse:
        reloaded = await self._hub.reload_config()
        return admin_pb2.ReloadConfigResponse(
            config_digest=reloaded.digest,
            changed=reloaded.changed,
            applied=reloaded.applied,
            needs_restart=reloaded.needs_restart,
        )
