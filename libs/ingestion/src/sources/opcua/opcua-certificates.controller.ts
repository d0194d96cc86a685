import { BadRequestException, Controller, Get, HttpCode, Logger, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { isOpcuaDevice, type OpcuaCertificateDto, type OpcuaCertificatesDto } from '@idm/contracts';
import { AuthUser, CurrentUser, PlantWrite, Roles } from '@idm/core';
import { TagRegistryService } from '../../registry/tag-registry.service';
import { SourcesService } from '../sources.service';
import { OpcuaSourceDriver } from './opcua-source-driver';

const THUMBPRINT = /^(?:[0-9a-f]{40}|[0-9a-f]{2}(?::[0-9a-f]{2}){19})$/i;

/**
 * IDM's OPC UA trust list: a server certificate is used only after an admin trusted it here (never silently).
 * Every trust and reject is logged with the admin's user name; a trust retries the OPC UA devices that are not
 * connected at once, so a device refused for that certificate need not wait for its next backoff.
 */
@ApiTags('opcua')
@Controller('opcua/certificates')
@Roles('admin')
@PlantWrite() // the trust list is the polling instance's (its PKI folder under DATA_DIR)
export class OpcuaCertificatesController {
  private readonly logger = new Logger('OpcuaCertificates');

  constructor(
    private readonly driver: OpcuaSourceDriver,
    private readonly sources: SourcesService,
    private readonly registry: TagRegistryService,
  ) {}

  @Get()
  @ApiOperation({ summary: "IDM's own OPC UA application certificate, and the server certificates it trusts or has rejected" })
  async list(): Promise<OpcuaCertificatesDto> {
    return { own: await this.driver.ownCertificate(), certificates: await this.driver.trustStore.list() };
  }

  @Post(':thumbprint/trust')
  @HttpCode(200)
  @ApiOperation({ summary: 'Trust a server certificate (rejected or already trusted); OPC UA devices not connected retry at once' })
  @ApiParam({ name: 'thumbprint', description: 'SHA-1 thumbprint, 40 hex digits (colons allowed)' })
  async trust(@CurrentUser() user: AuthUser | undefined, @Param('thumbprint') thumbprint: string): Promise<OpcuaCertificateDto> {
    const cert = await this.find(thumbprint);
    await this.driver.trustStore.trust(cert.thumbprint);
    // At warn: a security change the log must keep at any LOG_LEVEL short of error.
    this.logger.warn(`OPC UA server certificate ${cert.thumbprint} (${cert.subject}) trusted by ${user?.username ?? 'unknown user'}`);
    const retry = this.registry
      .listDevices()
      .filter((d) => isOpcuaDevice(d) && d.enabled && this.sources.status(d.id).state !== 'connected')
      .map((d) => d.id);
    if (retry.length) void this.sources.restart(retry);
    return { ...cert, status: 'trusted' };
  }

  @Post(':thumbprint/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject (untrust) a server certificate: connections using it fail from their next connect' })
  @ApiParam({ name: 'thumbprint', description: 'SHA-1 thumbprint, 40 hex digits (colons allowed)' })
  async reject(@CurrentUser() user: AuthUser | undefined, @Param('thumbprint') thumbprint: string): Promise<OpcuaCertificateDto> {
    const cert = await this.find(thumbprint);
    await this.driver.trustStore.untrust(cert.thumbprint);
    this.logger.warn(`OPC UA server certificate ${cert.thumbprint} (${cert.subject}) rejected by ${user?.username ?? 'unknown user'}`);
    return { ...cert, status: 'rejected' };
  }

  private async find(thumbprint: string): Promise<OpcuaCertificateDto> {
    if (!THUMBPRINT.test(thumbprint)) {
      const message = 'thumbprint must be a SHA-1 thumbprint: 40 hex digits (colons allowed)';
      throw new BadRequestException({ message, details: [{ field: 'thumbprint', rule: 'isThumbprint', message }] });
    }
    const want = thumbprint.replace(/:/g, '').toLowerCase();
    const cert = (await this.driver.trustStore.list()).find((c) => c.thumbprint === want);
    if (!cert) throw new NotFoundException({ message: `no OPC UA server certificate with thumbprint ${want} (IDM lists a server's certificate after its first connect)` });
    return cert;
  }
}
