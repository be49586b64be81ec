import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class RegisterRequestDto {
  @ApiProperty({ example: 'alice@example.com' })
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ minLength: 10, example: 'correct-horse-battery' })
  @IsString()
  @MaxLength(256)
  password!: string;

  @ApiPropertyOptional({ example: '+14155550100' })
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9 ().-]{7,20}$/, { message: 'phone must be a phone number such as +14155550100' })
  phone?: string;
}
