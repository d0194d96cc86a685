import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes } from 'mongoose';
import type { HydratedDocument } from 'mongoose';
import { DEVICE_PROTOCOLS, MQTT_MODES, OPCUA_SECURITY_MODES, OPCUA_SECURITY_POLICIES } from '@idm/contracts';
import type { DeviceProtocol, MqttAutoAdoptRule, MqttMode, OpcuaSecurityMode, OpcuaSecurityPolicy } from '@idm/contracts';

/**
 * A device (PLC, OPC UA server, MQTT broker). `_id` is the device id slug: every read is by `_id` (FerretDB pushes only
 * exact `_id` filters down) or a full list (a plant has tens of devices, not millions). The fields present
 * depend on `protocol`; a document stored before protocols existed has none and is Modbus (read by
 * `deviceFromStored`).
 */
@Schema({ collection: 'devices', timestamps: { createdAt: 'created_at', updatedAt: 'updated_at' }, versionKey: false })
export class Device {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  name!: string;

  @Prop({ type: String, enum: DEVICE_PROTOCOLS })
  protocol?: DeviceProtocol;

  @Prop({ required: true })
  timeout_ms!: number;

  @Prop({ required: true })
  enabled!: boolean;

  // Modbus
  @Prop({ type: String }) host?: string;
  @Prop({ type: Number }) port?: number;
  @Prop({ type: Number }) unit_id?: number;
  @Prop({ type: Number }) poll_interval_ms?: number;
  @Prop({ type: Number }) block_gap?: number;

  // OPC UA
  @Prop({ type: String }) endpoint_url?: string;
  @Prop({ type: String, enum: OPCUA_SECURITY_MODES }) security_mode?: OpcuaSecurityMode;
  @Prop({ type: String, enum: OPCUA_SECURITY_POLICIES }) security_policy?: OpcuaSecurityPolicy;
  @Prop({ type: String }) username?: string;
  // IDM must present it to the server, so it is kept as given; the API never returns it (publicDevice).
  @Prop({ type: String }) password?: string;
  @Prop({ type: Number }) publishing_interval_ms?: number;

  // MQTT (username and password above, shared with OPC UA)
  @Prop({ type: String }) broker_url?: string;
  @Prop({ type: String }) client_id?: string;
  @Prop({ type: String, enum: MQTT_MODES }) mode?: MqttMode;
  @Prop({ type: String }) group_id?: string;
  @Prop({ type: String }) host_id?: string;
  @Prop({ type: Boolean }) rebirth_requests?: boolean;
  // Sparkplug auto-adoption rules, kept as given (validated by the registry rules); absent when none.
  @Prop({ type: [SchemaTypes.Mixed], default: undefined }) auto_adopt?: MqttAutoAdoptRule[];
  @Prop({ type: String }) tls_ca?: string;
  @Prop({ type: String }) tls_cert?: string;
  @Prop({ type: String }) tls_key?: string;
  @Prop({ type: Boolean }) tls_reject_unauthorized?: boolean;
}

export type DeviceDocument = HydratedDocument<Device>;
export const DeviceSchema = SchemaFactory.createForClass(Device);
