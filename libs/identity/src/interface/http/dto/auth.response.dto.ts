import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class UserResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) phone!: string | null;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty() createdAt!: string;
}

export class TokenPairResponseDto {
  @ApiProperty({ example: true }) success!: true;
  @ApiProperty() accessToken!: string;
  @ApiProperty() refreshToken!: string;
  @ApiProperty({ example: 'Bearer' }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'Access token lifetime in seconds' }) expiresIn!: number;
}

export class SessionResponseDto extends TokenPairResponseDto {
  @ApiProperty({ type: UserResponseDto }) user!: UserResponseDto;
}

export class AccountSecurityDto {
  @ApiProperty() emailVerified!: boolean;
  @ApiProperty() phoneVerified!: boolean;
  @ApiProperty() twoFactorEnabled!: boolean;
}

export class ProfileUserResponseDto extends UserResponseDto {
  @ApiProperty({ type: AccountSecurityDto }) security!: AccountSecurityDto;
}

export class ProfileResponseDto {
  @ApiProperty({ example: true }) success!: true;
  @ApiProperty({ type: ProfileUserResponseDto }) user!: ProfileUserResponseDto;
}
